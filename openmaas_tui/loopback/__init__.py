"""Small HTTP/1.1 servers on 127.0.0.1 that stand in for providers: the replay server (recorded
responses, byte for byte, with chunk timing and faults) and the server behind the demo model."""
