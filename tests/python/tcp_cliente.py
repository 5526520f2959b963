# TCP CLIENT: o cliente das notas, com o servidor e a porta vindos da linha
# de comando (para os testes): python3 tcp_cliente.py HOST PORTA
import sys
from socket import *

serverName = sys.argv[1]
serverPort = int(sys.argv[2])
clientSocket = socket(AF_INET, SOCK_STREAM)
clientSocket.settimeout(10)
clientSocket.connect((serverName, serverPort))
sentence = bytes(input('Input lowercase sentence:'), 'utf-8')
clientSocket.send(sentence)
modifiedSentence = clientSocket.recv(1024)
print('From Server:', modifiedSentence.decode('utf-8'))
clientSocket.close()
