"""AWS Bedrock: the Converse and ConverseStream APIs, signed with SigV4."""
