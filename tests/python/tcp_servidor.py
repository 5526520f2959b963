# TCP SERVER, a variante dos testes (o Python das notas, sem mudança, está em
# docs/notas/): o servidor das notas em 127.0.0.1, com maiúsculas Unicode,
# anunciando a porta real (com a porta 0, a que o kernel escolheu).
# Uso: python3 tests/python/tcp_servidor.py [PORTA] (padrão: 12000)
import sys
from socket import *

serverPort = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
serverSocket = socket(AF_INET, SOCK_STREAM)
serverSocket.bind(('127.0.0.1', serverPort))
serverSocket.listen(1)
print('The server is ready to receive', "%s:%d" % serverSocket.getsockname(), flush=True)
while 1:
    connectionSocket, addr = serverSocket.accept()
    sentence = connectionSocket.recv(1024)
    capitalizedSentence = sentence.decode('utf-8').upper().encode('utf-8')
    connectionSocket.send(capitalizedSentence)
    connectionSocket.close()
