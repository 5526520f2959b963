//! Erros explicados em português.
//!
//! Um erro de rede chega do sistema operacional como um número (`errno`) e uma
//! frase em inglês. Quem está aprendendo precisa saber o que aconteceu **e o que
//! tentar**; por isso cada erro vira aqui uma frase em português, que o `main`
//! de cada programa mostra antes de sair com código diferente de zero.

use std::fmt;
use std::io;
use std::net::SocketAddr;

/// Um erro pronto para ser mostrado ao usuário, em uma frase em português.
pub struct Error {
    message: String,
}

/// Um `main` que devolve o erro (os exemplos passo a passo) o mostra com
/// `Debug`: só a frase, entre aspas, como um erro feito de um texto.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.message, f)
    }
}

impl Error {
    /// Um erro com uma mensagem já escrita.
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
        }
    }

    /// Um erro de E/S ocorrido ao tentar `action` (por exemplo
    /// `"não foi possível abrir a porta 12000"`), com a explicação da causa.
    pub fn io(action: impl fmt::Display, err: &io::Error) -> Self {
        Error::new(format!("{action}: {}", describe(err)))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

// ANCHOR: describe
/// Explica em português um erro de E/S, dizendo o que provavelmente aconteceu
/// e o que tentar. Os erros que um estudante encontra na primeira aula têm uma
/// frase própria; os demais mostram o texto do sistema.
pub fn describe(err: &io::Error) -> String {
    use io::ErrorKind::*;
    // Um erro que nós mesmos criamos já traz a frase em português.
    if let Some(ours) = err.get_ref().and_then(|e| e.downcast_ref::<Error>()) {
        return ours.to_string();
    }
    if is_message_too_long(err) {
        return "a mensagem é grande demais para um datagrama UDP (no máximo 65 507 bytes \
                em IPv4, 65 527 em IPv6); o kernel recusou o envio (EMSGSIZE)"
            .to_string();
    }
    let text = match err.kind() {
        AddrInUse => {
            "o endereço já está em uso: outro programa (talvez outro servidor seu) já usa \
             essa porta; encerre-o ou escolha outra com --porta"
        }
        AddrNotAvailable => {
            "esse endereço IP não pertence a esta máquina; use 0.0.0.0 (todas as interfaces \
             IPv4), :: (IPv6 e IPv4) ou 127.0.0.1"
        }
        PermissionDenied => {
            "permissão negada: portas abaixo de 1024 exigem privilégios de administrador \
             (use uma porta maior, como 12000), ou um firewall bloqueou o pacote"
        }
        ConnectionRefused => {
            "conexão recusada: não há servidor escutando nesse endereço e porta (o servidor \
             já foi iniciado? a porta está certa?)"
        }
        ConnectionReset => "a conexão foi reiniciada (RST) pelo outro lado",
        ConnectionAborted => "a conexão foi abortada",
        BrokenPipe => "o outro lado já fechou a conexão",
        TimedOut | WouldBlock => "tempo esgotado: o outro lado não respondeu a tempo",
        NotConnected => "o socket não está conectado",
        UnexpectedEof => "a conexão terminou antes do esperado",
        // O nosso `common::memory`; o ENOMEM do sistema tem a frase de `exhausted`.
        OutOfMemory if err.raw_os_error().is_none() => {
            "sem memória: o kernel não deu a memória pedida (veja `ulimit -v`)"
        }
        _ => match exhausted(err) {
            Some(text) => text,
            None => return format!("erro do sistema operacional: {err}"),
        },
    };
    text.to_string()
}
// ANCHOR_END: describe

/// O erro quer dizer "a espera acabou": o tempo-limite do socket passou. O
/// sistema o informa de dois jeitos, conforme o sistema operacional:
/// `WouldBlock` (Linux) ou `TimedOut` (Windows). Um sinal que interrompe a
/// chamada (`Interrupted`, o Ctrl+C) **não** é tempo esgotado: quem espera um
/// sinal trata esse caso à parte.
pub fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

// ANCHOR: tcp_in_use
/// O erro do `bind` ou do `listen` de um servidor TCP em `address`. Para
/// "endereço já está em uso" há duas causas bem diferentes, e cada uma tem a
/// sua frase: outro programa **escuta** na porta (encerre-o), ou ninguém escuta
/// e a porta está presa só por conexões antigas em `TIME_WAIT` (espere).
pub fn tcp_listen_failed(address: SocketAddr, err: &io::Error) -> Error {
    let action = format!("não foi possível usar {address} (TCP)");
    if err.kind() != io::ErrorKind::AddrInUse {
        return Error::io(action, err);
    }
    let text = match tcp_port_holder(address.port()) {
        PortHolder::Listener => {
            "o endereço já está em uso: outro programa (talvez outro servidor seu, ainda \
             rodando) escuta nessa porta; encerre-o ou escolha outra porta com --porta"
        }
        PortHolder::TimeWait => {
            "o endereço já está em uso, mas nenhum programa escuta nessa porta: ela está \
             presa por conexões já encerradas, no estado TIME_WAIT, de um servidor que não \
             ligava SO_REUSEADDR (como o das notas); espere até um minuto e tente de novo, \
             ou escolha outra porta com --porta"
        }
        PortHolder::Connections => {
            "o endereço já está em uso, mas nenhum programa escuta nessa porta: conexões \
             antigas ainda a usam (veja com ss -tan); espere que elas terminem ou escolha \
             outra porta com --porta"
        }
        PortHolder::Unknown => {
            "o endereço já está em uso: outro programa (talvez outro servidor seu) escuta \
             nessa porta, ou conexões encerradas há pouco ainda a prendem (TIME_WAIT); \
             encerre o outro programa, espere um minuto ou escolha outra porta com --porta"
        }
    };
    Error::new(format!("{action}: {text}"))
}

/// Quem segura uma porta TCP, segundo a tabela de conexões do sistema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortHolder {
    /// Um socket de escuta (`LISTEN`): outro servidor está rodando.
    Listener,
    /// Nenhuma escuta; só conexões já encerradas, em `TIME_WAIT`.
    TimeWait,
    /// Nenhuma escuta; conexões em outros estados (abertas ou terminando).
    Connections,
    /// Não deu para saber: fora do Linux, ou nada encontrado na tabela.
    Unknown,
}

/// Quem segura a porta TCP `port` nesta máquina.
///
/// No Linux, lê a tabela de sockets TCP do sistema, `/proc/net/tcp` e
/// `/proc/net/tcp6` (a mesma que o `ss -tan` mostra). Por que não tentar
/// simplesmente conectar na porta para ver se alguém atende: a leitura não
/// mexe em ninguém (conectar abriria uma conexão no outro programa e deixaria
/// mais um `TIME_WAIT`), vê um servidor escutando em **qualquer** endereço (um
/// servidor em `192.168.0.5:12000` também impede o `0.0.0.0:12000`, e uma
/// conexão para `127.0.0.1` seria recusada) e não depende de firewall. Nos
/// outros sistemas a resposta é [`PortHolder::Unknown`], e a mensagem cita as
/// duas causas.
pub fn tcp_port_holder(port: u16) -> PortHolder {
    #[cfg(target_os = "linux")]
    {
        let tables: String = ["/proc/net/tcp", "/proc/net/tcp6"]
            .iter()
            .filter_map(|path| std::fs::read_to_string(path).ok())
            .collect();
        holder_in_table(&tables, port)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = port;
        PortHolder::Unknown
    }
}

/// Lê as linhas de `/proc/net/tcp` (ou `tcp6`): o segundo campo é o endereço
/// local, `IP:PORTA` em hexadecimal, e o quarto é o estado, também em
/// hexadecimal (`0A` = `LISTEN`, `06` = `TIME_WAIT`). Só a porta é comparada:
/// qualquer escuta na mesma porta pode ser a que impede o `bind`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn holder_in_table(table: &str, port: u16) -> PortHolder {
    const LISTEN: &str = "0A";
    const TIME_WAIT: &str = "06";
    let states: Vec<&str> = table
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let local = fields.nth(1)?;
            let state = fields.nth(1)?;
            let (_, local_port) = local.rsplit_once(':')?;
            (u16::from_str_radix(local_port, 16).ok()? == port).then_some(state)
        })
        .collect();
    if states.contains(&LISTEN) {
        PortHolder::Listener
    } else if states.contains(&TIME_WAIT) {
        PortHolder::TimeWait
    } else if !states.is_empty() {
        PortHolder::Connections
    } else {
        PortHolder::Unknown
    }
}
// ANCHOR_END: tcp_in_use

/// Os erros de recurso esgotado (descritores de arquivo, memória), que um
/// servidor sob carga encontra no `accept`. O `std` não tem um `ErrorKind`
/// estável para eles: o jeito é olhar o número do erro (`errno`).
#[cfg(unix)]
fn exhausted(err: &io::Error) -> Option<&'static str> {
    match err.raw_os_error()? {
        libc::EMFILE => Some(
            "o processo chegou ao limite de arquivos abertos (cada conexão usa um; \
             o limite é o `ulimit -n`)",
        ),
        libc::ENFILE => Some(
            "a máquina inteira chegou ao limite de arquivos abertos \
             (veja /proc/sys/fs/file-max)",
        ),
        libc::ENOMEM | libc::ENOBUFS => {
            Some("falta memória no kernel para mais uma conexão (buffers de rede)")
        }
        _ => None,
    }
}

#[cfg(not(unix))]
fn exhausted(_err: &io::Error) -> Option<&'static str> {
    None
}

/// `EMSGSIZE`: o datagrama não cabe em um pacote IP. O Rust não tem um
/// `ErrorKind` para ele, então olhamos o número do erro.
fn is_message_too_long(err: &io::Error) -> bool {
    #[cfg(unix)]
    let code = libc::EMSGSIZE;
    #[cfg(windows)]
    let code = 10040; // WSAEMSGSIZE
    #[cfg(not(any(unix, windows)))]
    let code = -1;
    err.raw_os_error() == Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porta_em_uso_sugere_outra_porta() {
        let err = io::Error::from(io::ErrorKind::AddrInUse);
        let message = Error::io("não foi possível usar a porta 12000", &err).to_string();
        assert!(message.starts_with("não foi possível usar a porta 12000: "));
        assert!(message.contains("--porta"), "{message}");
    }

    // Um pedaço de /proc/net/tcp de verdade: a porta 12000 é 2EE0 em hexadecimal.
    const TABLE: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:2EE0 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:2EE1 0100007F:B5E8 06 00000000:00000000 03:0000176A 00000000     0        0 0 3 0000000000000000
   2: 0100007F:B5E8 0100007F:2EE2 01 00000000:00000000 00:00000000 00000000  1000        0 4243 1 0000000000000000 20 4 30 10 -1
";

    #[test]
    fn tabela_do_sistema_diz_quem_segura_a_porta() {
        assert_eq!(holder_in_table(TABLE, 12000), PortHolder::Listener);
        assert_eq!(holder_in_table(TABLE, 12001), PortHolder::TimeWait);
        // A conexão da linha 2 tem a porta 12002 do outro lado: não conta.
        assert_eq!(holder_in_table(TABLE, 12002), PortHolder::Unknown);
        assert_eq!(holder_in_table(TABLE, 0xB5E8), PortHolder::Connections);
        assert_eq!(holder_in_table("", 12000), PortHolder::Unknown);
    }

    #[test]
    fn porta_em_uso_no_tcp_tem_uma_frase_para_cada_causa() {
        let err = io::Error::from(io::ErrorKind::AddrInUse);
        let message = tcp_listen_failed("127.0.0.1:12000".parse().unwrap(), &err).to_string();
        assert!(
            message.starts_with(
                "não foi possível usar 127.0.0.1:12000 (TCP): o endereço já está em uso"
            ),
            "{message}"
        );
        assert!(message.contains("--porta"), "{message}");
        let other = io::Error::from(io::ErrorKind::ConnectionRefused);
        let message = tcp_listen_failed("127.0.0.1:12000".parse().unwrap(), &other).to_string();
        assert!(message.contains("conexão recusada"), "{message}");
    }

    #[test]
    fn mensagem_grande_demais_em_portugues() {
        #[cfg(unix)]
        let err = io::Error::from_raw_os_error(libc::EMSGSIZE);
        #[cfg(windows)]
        let err = io::Error::from_raw_os_error(10040);
        let text = describe(&err);
        assert!(
            text.contains("grande demais para um datagrama UDP"),
            "{text}"
        );
        assert!(!text.contains("Message too long"), "{text}");
    }

    #[test]
    fn erro_nosso_dentro_de_um_io_error_mostra_a_nossa_frase() {
        let err = io::Error::other(Error::new("a fila está cheia"));
        assert_eq!(describe(&err), "a fila está cheia");
    }

    #[test]
    fn erro_desconhecido_mostra_o_texto_do_sistema() {
        let err = io::Error::other("algo estranho");
        assert_eq!(describe(&err), "erro do sistema operacional: algo estranho");
    }

    #[cfg(unix)]
    #[test]
    fn falta_de_descritores_e_de_memoria_em_portugues() {
        let emfile = describe(&io::Error::from_raw_os_error(libc::EMFILE));
        assert!(emfile.contains("ulimit -n"), "{emfile}");
        let enfile = describe(&io::Error::from_raw_os_error(libc::ENFILE));
        assert!(enfile.contains("máquina inteira"), "{enfile}");
        for code in [libc::ENOMEM, libc::ENOBUFS] {
            let text = describe(&io::Error::from_raw_os_error(code));
            assert!(text.starts_with("falta memória"), "{text}");
        }
    }
}
