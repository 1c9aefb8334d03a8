"""One exchange: one request to one model, streamed, metered, priced and recorded."""
