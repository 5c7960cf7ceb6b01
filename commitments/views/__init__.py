"""The commitments app's pages, a module per part: the register, the updates (and My
commitments), the quarters. commitments.urls names them."""
