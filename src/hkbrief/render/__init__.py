"""Writers that draw a finished plan into bytes (a .pptx, a .pdf) and decide nothing."""
