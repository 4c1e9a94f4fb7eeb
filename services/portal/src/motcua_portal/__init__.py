"""Motcua citizens' portal (cổng dịch vụ công): catalogue, online submission with files, my
dossiers, supplements and electronic results. Holds no business state; calls the services with
the signed-in citizen's token."""
