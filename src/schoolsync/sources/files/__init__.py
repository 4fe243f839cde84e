"""What every uploaded file shares: `detect` (which format a file is), `bytes` (reading within
the limits), `text` (decoding), `csv` (tables by header), `values` (dates, emails, flags) and
`limits` (how large a file may be)."""
