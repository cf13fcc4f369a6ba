"""Form readers: each turns a grid sheet into a model, locating blocks by their labels."""
