// ANCHOR: whole_file
//! O servidor UDP: o `UDP SERVER` das notas.
//!
//! ```python
//! serverSocket = socket(AF_INET, SOCK_DGRAM)
//! serverSocket.bind(('', serverPort))
//! print("The server is ready to receive")
//! while 1:
//!     message, clientAddress = serverSocket.recvfrom(2048)
//!     serverSocket.sendto(modifiedMessage, clientAddress)
//! ```

// ANCHOR: uses
use std::io;
use std::net::{SocketAddr, UdpSocket};

use common::udp::{Datagram, MAX_DATAGRAM};
use common::{Error, log, log_limited};

use crate::simulate::{Impairment, Simulator};
// ANCHOR_END: uses

// ANCHOR: config
/// O que o servidor precisa saber, vindo da linha de comando.
#[derive(Debug)]
pub struct Config {
    /// Endereço IP (ou nome) local onde escutar.
    pub address: String,
    /// Porta onde escutar; 0 pede uma porta livre ao sistema.
    pub port: u16,
    /// Perda e atraso simulados (`--perda`, `--atraso`...); nada por padrão.
    pub impairment: Impairment,
}
// ANCHOR_END: config

// ANCHOR: socket
/// Cria o socket e atende datagramas para sempre (até o Ctrl+C).
pub fn run(config: &Config) -> Result<(), Error> {
    let address = common::address::resolve_one(&config.address, config.port)?;
    let socket = common::udp::bind(address)?;
    common::shutdown::on_ctrl_c("servidor UDP");
    // ANCHOR_END: socket
    // ANCHOR: ready
    let bound = socket
        .local_addr()
        .map_err(|e| Error::io("não foi possível saber a porta", &e))?;
    log!("Servidor UDP pronto para receber em {bound}");
    // ANCHOR_END: ready
    // ANCHOR: start_loop
    let mut simulator = Simulator::new(config.impairment, &socket)
        .map_err(|e| Error::io("não foi possível preparar a simulação", &e))?;
    if config.impairment.is_active() {
        log!("simulando uma rede ruim: {}", config.impairment);
    }
    serve(&socket, &mut simulator)
    // ANCHOR_END: start_loop
}

// ANCHOR: serve
/// O laço das notas: recebe um datagrama, responde em maiúsculas, repete.
pub fn serve(socket: &UdpSocket, simulator: &mut Simulator) -> Result<(), Error> {
    // EXERCÍCIO 1: INÍCIO
    // ANCHOR: buffer
    let mut buffer = vec![0u8; MAX_DATAGRAM];
    let mut reply = Vec::with_capacity(MAX_DATAGRAM);
    // ANCHOR_END: buffer
    loop {
        // ANCHOR: recv
        let datagram = match common::udp::recv_from(socket, &mut buffer) {
            Ok(datagram) => datagram,
            Err(err) => {
                log_recv_error(&err);
                continue;
            }
        };
        let message = &buffer[..datagram.len];
        // ANCHOR_END: recv
        // ANCHOR: simulate
        // Só com --perda: o datagrama "se perde" aqui, sem resposta.
        if simulator.lose() {
            log_limited!(
                "{}: {} bytes, descartado (perda simulada)",
                datagram.from,
                datagram.len
            );
            continue;
        }
        // ANCHOR_END: simulate
        // ANCHOR: reply
        // A resposta nunca é maior que a pergunta (veja `push_upper_no_longer`).
        reply.clear();
        let kept = common::transform::push_upper_no_longer(message, &mut reply);
        let sent = match simulator.delay() {
            None => socket.send_to(&reply, datagram.from),
            Some(delay) => simulator.send_later(&reply, datagram.from, delay),
        };
        // ANCHOR_END: reply
        log_datagram(&datagram, message, kept, sent);
    }
    // EXERCÍCIO 1: FIM
}
// ANCHOR_END: serve

// ANCHOR: log
/// Uma linha por datagrama: de quem, quantos bytes, o começo do texto, e o
/// que aconteceu com a resposta. Sob carga, `log_limited!` mostra só as
/// primeiras mil linhas de cada segundo (veja `common::log`).
fn log_datagram(datagram: &Datagram, message: &[u8], kept: usize, sent: io::Result<usize>) {
    let from: SocketAddr = datagram.from;
    let truncated = if datagram.truncated {
        " (truncado: o datagrama era maior que o buffer)"
    } else {
        ""
    };
    let not_upper = if kept > 0 {
        format!(
            " ({kept} letra(s) sem maiúscula: ela ocuparia mais bytes, e a resposta \
             nunca é maior que a pergunta)"
        )
    } else {
        String::new()
    };
    let problem = match sent {
        Ok(_) => String::new(),
        Err(err) => format!("; resposta não enviada: {}", common::error::describe(&err)),
    };
    log_limited!(
        "{from}: {} bytes{truncated} {}{not_upper}{problem}",
        datagram.len,
        common::log::preview(message, 60)
    );
}

/// Um erro ao receber não para o servidor: no Windows, por exemplo, uma
/// resposta que não chegou a um cliente já encerrado volta como erro no
/// próximo `recvfrom`.
fn log_recv_error(err: &io::Error) {
    log_limited!(
        "erro ao receber (ignorado): {}",
        common::error::describe(err)
    );
}
// ANCHOR_END: log
// ANCHOR_END: whole_file
