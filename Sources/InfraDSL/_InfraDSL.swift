// InfraDSL
