# Dois servidores UDP na mesma porta: quem recebe os datagramas?
#
# Uso: python3 docs/experimentos/udp_dois_servidores.py SO_REUSEADDR
#      python3 docs/experimentos/udp_dois_servidores.py SO_REUSEPORT
#
# Liga dois sockets em 127.0.0.1 na mesma porta, os dois com a opção dada,
# manda 40 datagramas de 40 clientes diferentes (cada um com a sua porta) e
# conta quantos chegaram a cada servidor.
import sys
from socket import *

opcao = sys.argv[1] if len(sys.argv) > 1 else 'SO_REUSEADDR'
valor = {'SO_REUSEADDR': SO_REUSEADDR, 'SO_REUSEPORT': SO_REUSEPORT}[opcao]

primeiro = socket(AF_INET, SOCK_DGRAM)
primeiro.setsockopt(SOL_SOCKET, valor, 1)
primeiro.bind(('127.0.0.1', 0))
porta = primeiro.getsockname()[1]

segundo = socket(AF_INET, SOCK_DGRAM)
segundo.setsockopt(SOL_SOCKET, valor, 1)
segundo.bind(('127.0.0.1', porta))  # a mesma porta: a opção deixa
print(f'{opcao}: dois servidores ligados na mesma porta')

for i in range(40):
    cliente = socket(AF_INET, SOCK_DGRAM)
    cliente.sendto(b'oi', ('127.0.0.1', porta))
    cliente.close()

for nome, servidor in (('primeiro', primeiro), ('segundo', segundo)):
    servidor.settimeout(0.2)
    recebidos = 0
    try:
        while True:
            servidor.recvfrom(2048)
            recebidos += 1
    except TimeoutError:
        pass
    print(f'  o {nome} recebeu {recebidos} de 40')
