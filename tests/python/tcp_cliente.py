# TCP CLIENT, a variante dos testes (o Python das notas, sem mudança, está em
# docs/notas/): o cliente das notas com o servidor e a porta na linha de
# comando, um tempo-limite e o input do Python 3, sem o pip.
# Uso: python3 tests/python/tcp_cliente.py [SERVIDOR [PORTA]] (padrão: 127.0.0.1 12000)
import sys
from socket import *

serverName = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
serverPort = int(sys.argv[2]) if len(sys.argv) > 2 else 12000
clientSocket = socket(AF_INET, SOCK_STREAM)
clientSocket.settimeout(10)
clientSocket.connect((serverName, serverPort))
sentence = bytes(input('Input lowercase sentence:'), 'utf-8')
clientSocket.send(sentence)
modifiedSentence = clientSocket.recv(1024)
print('From Server:', modifiedSentence.decode('utf-8'))
clientSocket.close()
