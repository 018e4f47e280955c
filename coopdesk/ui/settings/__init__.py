"""The Cài đặt (settings) screen."""
