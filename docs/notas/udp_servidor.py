# UDP SERVER, das notas de aula, como está nelas; só a porta vem da linha de
# comando (padrão: 12000). Uso: python3 docs/notas/udp_servidor.py [PORTA]
# Como nas notas, responde "no." a tudo (o texto delas fala em maiúsculas).
import sys
from socket import *
serverPort = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
serverSocket = socket(AF_INET, SOCK_DGRAM)
serverSocket.bind(('', serverPort))
print("The server is ready to receive", flush=True)
while 1:
    message, clientAddress = serverSocket.recvfrom(2048)
    modifiedMessage = bytes("no.", 'utf-8')
    print(message, flush=True)
    serverSocket.sendto(modifiedMessage, clientAddress)
