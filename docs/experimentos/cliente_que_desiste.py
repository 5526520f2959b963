# Um cliente TCP que conecta e desiste na hora, com um RST (o "cancela tudo"
# do TCP) em vez do FIN de um fechamento normal, sem mandar nada.
#
# Uso: python3 docs/experimentos/cliente_que_desiste.py [PORTA]   (padrão: 12000)
#
# O SO_LINGER ligado com tempo zero faz o close() mandar RST. Do lado do
# servidor, o read() da conexão falha com "connection reset": o servidor das
# notas em Rust (passo 0) termina com esse erro; o passo 1 segue atendendo.
import struct
import sys
from socket import *

porta = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
cliente = create_connection(('127.0.0.1', porta))
cliente.setsockopt(SOL_SOCKET, SO_LINGER, struct.pack('ii', 1, 0))
cliente.close()
