# UDP CLIENT, das notas de aula, como está nelas; só o servidor e a porta vêm
# da linha de comando (padrão: 127.0.0.1 e 12000; as notas usavam o IP do
# laboratório, 10.20.69.134). Uso: python3 docs/notas/udp_cliente.py [SERVIDOR [PORTA]]
import sys
from socket import *

from pip._vendor.distlib.compat import raw_input

serverName = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'  # Server em qual quer conectar
serverPort = int(sys.argv[2]) if len(sys.argv) > 2 else 12000  # Port em qual quer conectar
clientSocket = socket(AF_INET, SOCK_DGRAM)  #
message = bytes(raw_input('Input lowercase sentence:'), 'utf-8')
clientSocket.sendto(message, (serverName, serverPort))
modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
print(modifiedMessage)
clientSocket.close()
