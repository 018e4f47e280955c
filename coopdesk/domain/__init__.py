"""Plain-Python rules of CoopDesk: no Qt, no SQL, no file I/O."""
