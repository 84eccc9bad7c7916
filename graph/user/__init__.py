"""Users: the signed-in caller (`me`) and `login`."""
