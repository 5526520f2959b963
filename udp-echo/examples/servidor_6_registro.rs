//! Passo 6 do servidor UDP: o registro (log) de cada datagrama, que não
//! derruba o servidor nem o atrasa sob carga, e o Ctrl+C que encerra com uma
//! mensagem. O laço vai para uma função própria, `serve`, como no
//! `src/server.rs`.
//!
//!     cargo run -p udp-echo --example servidor_6_registro -- 0 127.0.0.1

// ANCHOR: uses
use std::io;
use std::net::{SocketAddr, UdpSocket};

use common::udp::{Datagram, MAX_DATAGRAM};
use common::{log, log_limited};
// ANCHOR_END: uses

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let server_port: u16 = args.next().unwrap_or("12000".into()).parse()?;
    let host = args.next().unwrap_or("0.0.0.0".into());
    let address = common::address::resolve_one(&host, server_port)?;
    // ANCHOR: main
    let socket = common::udp::bind(address)?;
    common::shutdown::on_ctrl_c("servidor UDP");
    let bound = socket.local_addr()?;
    log!("Servidor UDP pronto para receber em {bound}");
    serve(&socket)
    // ANCHOR_END: main
}

// ANCHOR: serve
/// O laço das notas: recebe um datagrama, responde em maiúsculas, repete.
fn serve(socket: &UdpSocket) -> Result<(), Box<dyn std::error::Error>> {
    // EXERCÍCIO 1: INÍCIO
    let mut buffer = vec![0u8; MAX_DATAGRAM];
    let mut reply = Vec::with_capacity(MAX_DATAGRAM);
    loop {
        let datagram = match common::udp::recv_from(socket, &mut buffer) {
            Ok(datagram) => datagram,
            Err(err) => {
                log_recv_error(&err);
                continue;
            }
        };
        let message = &buffer[..datagram.len];
        reply.clear();
        let kept = common::transform::push_upper_no_longer(message, &mut reply);
        let sent = socket.send_to(&reply, datagram.from);
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
