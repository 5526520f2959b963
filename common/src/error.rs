//! Erros explicados em português.
//!
//! Um erro de rede chega do sistema operacional como um número (`errno`) e uma
//! frase em inglês. Quem está aprendendo precisa saber o que aconteceu **e o que
//! tentar**; por isso cada erro vira aqui uma frase em português, que o `main`
//! de cada programa mostra antes de sair com código diferente de zero.

use std::fmt;
use std::io;

/// Um erro pronto para ser mostrado ao usuário, em uma frase em português.
#[derive(Debug)]
pub struct Error {
    message: String,
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
                em IPv4, 65 527 em IPv6); o sistema recusou o envio (EMSGSIZE)"
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
        _ => match exhausted(err) {
            Some(text) => text,
            None => return format!("erro do sistema: {err}"),
        },
    };
    text.to_string()
}
// ANCHOR_END: describe

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
            "o sistema inteiro chegou ao limite de arquivos abertos \
             (veja /proc/sys/fs/file-max)",
        ),
        libc::ENOMEM | libc::ENOBUFS => {
            Some("falta memória no sistema para mais uma conexão (buffers de rede)")
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
        assert_eq!(describe(&err), "erro do sistema: algo estranho");
    }

    #[cfg(unix)]
    #[test]
    fn falta_de_descritores_e_de_memoria_em_portugues() {
        let emfile = describe(&io::Error::from_raw_os_error(libc::EMFILE));
        assert!(emfile.contains("ulimit -n"), "{emfile}");
        let enfile = describe(&io::Error::from_raw_os_error(libc::ENFILE));
        assert!(enfile.contains("sistema inteiro"), "{enfile}");
        for code in [libc::ENOMEM, libc::ENOBUFS] {
            let text = describe(&io::Error::from_raw_os_error(code));
            assert!(text.starts_with("falta memória"), "{text}");
        }
    }
}
