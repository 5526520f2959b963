# UDP CLIENT: o cliente das notas, com o servidor e a porta vindos da linha
# de comando (para os testes): python3 udp_cliente.py HOST PORTA
import sys
from socket import *

serverName = sys.argv[1]  # Server em qual quer conectar
serverPort = int(sys.argv[2])  # Port em qual quer conectar
clientSocket = socket(AF_INET, SOCK_DGRAM)
clientSocket.settimeout(10)
message = bytes(input('Input lowercase sentence:'), 'utf-8')
clientSocket.sendto(message, (serverName, serverPort))
modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
print(modifiedMessage.decode('utf-8'))
clientSocket.close()
