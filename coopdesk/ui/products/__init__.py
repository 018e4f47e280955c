"""The Sản phẩm (products) screen."""
