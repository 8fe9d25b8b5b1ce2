"""Small reusable widgets of our own."""
