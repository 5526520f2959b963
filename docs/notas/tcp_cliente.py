# TCP CLIENT, das notas de aula, como está nelas; só o servidor e a porta vêm
# da linha de comando (padrão: 127.0.0.1 e 12000, os das notas).
# Uso: python3 docs/notas/tcp_cliente.py [SERVIDOR [PORTA]]
import sys
from socket import *

from pip._vendor.distlib.compat import raw_input

serverName = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
serverPort = int(sys.argv[2]) if len(sys.argv) > 2 else 12000
clientSocket = socket(AF_INET, SOCK_STREAM)
clientSocket.connect((serverName, serverPort))
sentence = bytes(raw_input('Input lowercase sentence:'), 'utf-8')
clientSocket.send(sentence)
modifiedSentence = clientSocket.recv(1024)
print('From Server:', modifiedSentence)
clientSocket.close()
