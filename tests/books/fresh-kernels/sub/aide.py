MESSAGE = "module du dossier importé"
