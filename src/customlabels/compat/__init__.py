"""The Rekognition-compatible API: the hosted service's JSON 1.1 protocol (``POST /`` with
``X-Amz-Target``) signed with AWS Signature V4, translated onto the same service layer as
the REST API and the CLI. Nothing here decides anything the services don't.

Where the hosted service speaks of S3 and this server has its own store:
- ``OutputConfig`` of CreateProjectVersion/CopyProjectVersion is accepted and ignored (model
  files stay in the server's store);
- ``EvaluationResult.Summary.S3Object.Name`` is a path on this server,
  ``api/v1/projects/P/versions/V/evaluation-summary``: GET it with an API key (bearer) for
  the summary file;
- ``Image.S3Object`` of DetectCustomLabels is read with the server's S3 settings, as S3
  imports are.
"""
