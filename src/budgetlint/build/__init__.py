"""Writers for the committed workbooks: department templates and the examples.

Everything here writes deterministically (fixed timestamps, fixed zip entry
dates), so a fresh build is byte-identical to the committed file and a test can
prove it.
"""
