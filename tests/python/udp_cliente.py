# UDP CLIENT, a variante dos testes (o Python das notas, sem mudança, está em
# docs/notas/): o cliente das notas com o servidor e a porta na linha de
# comando, um tempo-limite, o input do Python 3 e a resposta como texto.
# Uso: python3 tests/python/udp_cliente.py [SERVIDOR [PORTA]] (padrão: 127.0.0.1 12000)
import sys
from socket import *

serverName = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'  # Server em qual quer conectar
serverPort = int(sys.argv[2]) if len(sys.argv) > 2 else 12000  # Port em qual quer conectar
clientSocket = socket(AF_INET, SOCK_DGRAM)
clientSocket.settimeout(10)
message = bytes(input('Input lowercase sentence:'), 'utf-8')
clientSocket.sendto(message, (serverName, serverPort))
modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
print(modifiedMessage.decode('utf-8'))
clientSocket.close()
