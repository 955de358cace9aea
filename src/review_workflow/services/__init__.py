"""The use cases. Every entrance (API, web, CLI, scheduler) calls these and nothing below them."""
