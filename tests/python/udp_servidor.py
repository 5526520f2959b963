# UDP SERVER: o servidor das notas, respondendo em maiúsculas (como o texto
# das notas descreve) e anunciando a porta real: python3 udp_servidor.py PORTA
import sys
from socket import *

serverPort = int(sys.argv[1])
serverSocket = socket(AF_INET, SOCK_DGRAM)
serverSocket.bind(('127.0.0.1', serverPort))
print("The server is ready to receive", "%s:%d" % serverSocket.getsockname(), flush=True)
while 1:
    message, clientAddress = serverSocket.recvfrom(2048)
    modifiedMessage = message.decode('utf-8').upper().encode('utf-8')
    serverSocket.sendto(modifiedMessage, clientAddress)
