# TCP SERVER: o servidor das notas, anunciando a porta real:
# python3 tcp_servidor.py PORTA
import sys
from socket import *

serverPort = int(sys.argv[1])
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
