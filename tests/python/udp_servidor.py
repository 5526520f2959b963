# UDP SERVER, a variante dos testes (o Python das notas, sem mudança, está em
# docs/notas/): o servidor das notas em 127.0.0.1, respondendo em maiúsculas
# (como o texto das notas descreve; o código delas devolve a mensagem como
# veio), anunciando a porta real (com a porta 0, a que o kernel escolheu).
# Uso: python3 tests/python/udp_servidor.py [PORTA] (padrão: 12000)
import sys
from socket import *

serverPort = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
serverSocket = socket(AF_INET, SOCK_DGRAM)
serverSocket.bind(('127.0.0.1', serverPort))
print("The server is ready to receive", "%s:%d" % serverSocket.getsockname(), flush=True)
while 1:
    message, clientAddress = serverSocket.recvfrom(2048)
    modifiedMessage = message.decode('utf-8').upper().encode('utf-8')
    serverSocket.sendto(modifiedMessage, clientAddress)
