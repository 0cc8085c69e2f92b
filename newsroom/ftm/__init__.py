"""The whole public dataset as FollowTheMoney entities (the format Aleph and OpenSanctions load):
`manage.py export_ftm` and /data/entities.ftm.json, one JSON entity per line."""
