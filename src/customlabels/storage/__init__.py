"""Where image bytes live: a small BlobStore protocol and its back ends."""
