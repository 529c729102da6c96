"""The shipped action plans and agency directories, and the code that reads them."""
