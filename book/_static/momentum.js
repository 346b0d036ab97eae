// Momentum Lab: behaviour added to every page by book/_ext/momentum_book.py.
// (The live explorers have their own scripts, book/_static/explorers/, added by momentum_explorers.py
// to the pages that show one.)
