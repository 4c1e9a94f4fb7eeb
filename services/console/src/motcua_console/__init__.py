"""Motcua officials' console: the screens of a one-stop counter's officials, rendered on the
server over the intake, workflow and feedback APIs with the signed-in official's token (a
backend-for-frontend that holds no business state)."""
