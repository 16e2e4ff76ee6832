"""The Rekognition-compatible API: the hosted service's JSON 1.1 protocol (``POST /`` with
``X-Amz-Target``) signed with AWS Signature V4, translated onto the same service layer as
the REST API and the CLI. Nothing here decides anything the services don't."""
