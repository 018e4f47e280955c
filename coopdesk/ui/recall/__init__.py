"""The Truy xuất/Thu hồi screen."""
