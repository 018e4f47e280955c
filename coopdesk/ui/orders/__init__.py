"""The Đơn hàng (orders) screen: the livestream order desk and the order list."""
