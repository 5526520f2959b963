//! # `sistema`: as chamadas em C que o Rust seguro não faz
//!
//! Todo socket do projeto é feito e configurado com o std e o socket2, sem
//! `unsafe`. Só duas perguntas ao kernel do Linux e um pedido à glibc não
//! estão em nenhum dos dois, e são chamadas de funções em C (`ioctl`,
//! `getsockopt` e `mallopt`), que o Rust só deixa fazer dentro de `unsafe`:
//!
//! - [`unsent_bytes`]: quantos bytes enviados ainda esperam confirmação
//!   (`SIOCOUTQ`), para o servidor TCP saber se o cliente parou de ler;
//! - [`tcp_info`]: o estado da conexão (`TCP_INFO`: janela de
//!   congestionamento, RTT...), para o capítulo do congestionamento;
//! - [`single_malloc_arena`]: um heap só para todas as threads, para o
//!   servidor TCP caber num `ulimit -v`.
//!
//! Elas moram aqui, num crate só delas, para que o resto do workspace possa
//! **proibir** `unsafe` (`unsafe_code = "forbid"` no `Cargo.toml` da raiz):
//! o compilador recusa qualquer `unsafe` em `common`, `udp-echo` e
//! `tcp-echo`, inclusive no código que os alunos entregam.

use std::net::TcpStream;

// ANCHOR: unsent_bytes
/// Quantos bytes já enviados o outro lado ainda não confirmou (o `ioctl`
/// `SIOCOUTQ`, que no Linux tem o mesmo número de `TIOCOUTQ`; nos outros
/// sistemas, `None`).
pub fn unsent_bytes(stream: &TcpStream) -> Option<usize> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let mut queued: libc::c_int = 0;
        // SAFETY: SIOCOUTQ só escreve um `int` no endereço dado, que é o de
        // `queued`, vivo durante a chamada; o descritor é o de `stream`.
        let result = unsafe { libc::ioctl(stream.as_raw_fd(), libc::TIOCOUTQ, &mut queued) };
        if result == 0 {
            return usize::try_from(queued).ok();
        }
        None
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = stream;
        None
    }
}
// ANCHOR_END: unsent_bytes

// ANCHOR: single_malloc_arena
/// Pede à glibc um heap só para todas as threads (`M_ARENA_MAX = 1`). Por
/// padrão, uma thread que disputa o `malloc` com outra ganha uma "arena"
/// própria, e cada arena reserva 64 MiB de endereços de uma vez: sob um
/// `ulimit -v`, que conta o reservado, meia dúzia de arenas levam quase
/// 400 MiB e sobra pouco para as conexões. Fora da glibc (macOS, Windows,
/// musl) não faz nada.
pub fn single_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` só muda um parâmetro do `malloc` da glibc, com a
    // trava dela; pode ser chamada a qualquer momento, de qualquer thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
// ANCHOR_END: single_malloc_arena

/// A `struct tcp_info` do kernel (`linux/tcp.h`), até o campo que usamos por
/// último. O `tcp_info` do crate libc para a glibc para antes de
/// `tcpi_snd_wnd`, por isso a cópia aqui. Os campos têm os nomes do kernel, sem o `tcpi_`. O kernel copia só o que cabe e diz
/// quanto copiou: num kernel mais velho, os campos do fim ficam em zero.
#[cfg(target_os = "linux")]
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct KernelTcpInfo {
    pub state: u8,
    pub ca_state: u8,
    pub retransmits: u8,
    pub probes: u8,
    pub backoff: u8,
    pub options: u8,
    pub wscale: u8,
    pub app_limited: u8,
    pub rto: u32,
    pub ato: u32,
    pub snd_mss: u32,
    pub rcv_mss: u32,
    pub unacked: u32,
    pub sacked: u32,
    pub lost: u32,
    pub retrans: u32,
    pub fackets: u32,
    pub last_data_sent: u32,
    pub last_ack_sent: u32,
    pub last_data_recv: u32,
    pub last_ack_recv: u32,
    pub pmtu: u32,
    pub rcv_ssthresh: u32,
    pub rtt: u32,
    pub rttvar: u32,
    pub snd_ssthresh: u32,
    pub snd_cwnd: u32,
    pub advmss: u32,
    pub reordering: u32,
    pub rcv_rtt: u32,
    pub rcv_space: u32,
    pub total_retrans: u32,
    pub pacing_rate: u64,
    pub max_pacing_rate: u64,
    pub bytes_acked: u64,
    pub bytes_received: u64,
    pub segs_out: u32,
    pub segs_in: u32,
    pub notsent_bytes: u32,
    pub min_rtt: u32,
    pub data_segs_in: u32,
    pub data_segs_out: u32,
    pub delivery_rate: u64,
    pub busy_time: u64,
    pub rwnd_limited: u64,
    pub sndbuf_limited: u64,
    pub delivered: u32,
    pub delivered_ce: u32,
    pub bytes_sent: u64,
    pub bytes_retrans: u64,
    pub dsack_dups: u32,
    pub reord_seen: u32,
    pub rcv_ooopack: u32,
    pub snd_wnd: u32,
}

// ANCHOR: tcp_info
/// O `getsockopt(fd, IPPROTO_TCP, TCP_INFO)` do Linux: o que o kernel sabe
/// da conexão.
#[cfg(target_os = "linux")]
pub fn tcp_info(stream: &TcpStream) -> std::io::Result<KernelTcpInfo> {
    use std::os::fd::AsRawFd;
    let mut raw = KernelTcpInfo::default();
    let mut len = std::mem::size_of::<KernelTcpInfo>() as libc::socklen_t;
    // SAFETY: o kernel escreve no máximo `len` bytes em `raw`, que tem
    // exatamente esse tamanho e vive durante a chamada, e devolve em
    // `len` quanto escreveu; `KernelTcpInfo` só tem inteiros, e qualquer
    // sequência de bytes é um valor válido dele.
    let result = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&raw mut raw).cast(),
            &mut len,
        )
    };
    if result != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(raw)
}
// ANCHOR_END: tcp_info

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    #[test]
    fn as_duas_perguntas_respondem_numa_conexao_da_loopback() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let mut client =
            TcpStream::connect(listener.local_addr().expect("endereço")).expect("connect");
        let (_server, _) = listener.accept().expect("accept");
        client.write_all(b"oi").expect("write");
        let info = tcp_info(&client).expect("TCP_INFO");
        assert!(info.snd_mss > 0, "{info:?}");
        assert!(unsent_bytes(&client).is_some());
    }
}
