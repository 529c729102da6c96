"""The browser board and REST API over the dondoc engine (``dondoc serve``)."""
