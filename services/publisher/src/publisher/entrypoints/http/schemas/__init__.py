"""Request and response models of the API (pydantic), and their mapping from domain objects."""
