import RESPClient
