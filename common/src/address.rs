//! Resolução de endereços: de `"localhost"` ou `"127.0.0.1"` para um [`SocketAddr`].
//!
//! Nas notas, `serverName` pode ser um nome ou um IP, e o Python resolve o nome
//! por baixo dos panos. Aqui a resolução é explícita: o sistema (DNS ou
//! `/etc/hosts`) devolve uma **lista** de endereços, porque um nome pode ter
//! vários (por exemplo `localhost` → `::1` e `127.0.0.1`).

use std::net::{SocketAddr, ToSocketAddrs};

use crate::Error;

// ANCHOR: resolve
/// Resolve `host` (nome, IPv4 ou IPv6, com ou sem colchetes) e `port` na lista
/// de endereços que o sistema devolve, na ordem de preferência dele.
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, Error> {
    // "[::1]" é a forma de escrever IPv6 em URLs; aceitamos também "::1".
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let not_found = || {
        Error::new(format!(
            "não foi possível encontrar o endereço de '{host}': confira o nome \
             (ou use um IP, como 127.0.0.1)"
        ))
    };
    // Um nome de máquina não tem espaços nem caracteres de controle: com eles,
    // nem vale perguntar ao DNS (e os testes que usam um nome assim nunca
    // mandam uma consulta para fora da máquina).
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(not_found());
    }
    let addresses: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|_| not_found())?
        .collect();
    if addresses.is_empty() {
        return Err(not_found());
    }
    Ok(addresses)
}
// ANCHOR_END: resolve

// ANCHOR: resolve_one
/// Resolve `host` em **um** endereço, preferindo IPv4 quando o nome tem os dois.
///
/// As notas criam sockets `AF_INET` (IPv4); preferir IPv4 faz `localhost`
/// chegar a um servidor ligado em `0.0.0.0`, como o das notas. Quem quiser
/// IPv6 passa um endereço IPv6 (`::1`), que é usado como está.
pub fn resolve_one(host: &str, port: u16) -> Result<SocketAddr, Error> {
    let addresses = resolve(host, port)?;
    let first_ipv4 = addresses.iter().find(|a| a.is_ipv4());
    Ok(*first_ipv4.unwrap_or(&addresses[0]))
}
// ANCHOR_END: resolve_one

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literais_ipv4_e_ipv6_sao_aceitos() {
        assert_eq!(
            resolve_one("127.0.0.1", 12000).unwrap(),
            "127.0.0.1:12000".parse().unwrap()
        );
        assert_eq!(resolve_one("::1", 7).unwrap(), "[::1]:7".parse().unwrap());
        assert_eq!(resolve_one("[::1]", 7).unwrap(), "[::1]:7".parse().unwrap());
    }

    #[test]
    fn localhost_prefere_ipv4() {
        let address = resolve_one("localhost", 12000).unwrap();
        assert!(address.ip().is_loopback());
        if resolve("localhost", 12000)
            .unwrap()
            .iter()
            .any(|a| a.is_ipv4())
        {
            assert!(address.is_ipv4());
        }
    }

    #[test]
    fn nome_impossivel_da_erro_em_portugues_sem_consultar_o_dns() {
        // Um nome com espaço não pode existir: o erro vem daqui mesmo, sem
        // consulta ao DNS (um nome terminado em `.invalid` ainda seria
        // perguntado ao servidor de nomes da rede).
        let err = resolve("nao existe", 12000).unwrap_err().to_string();
        assert!(err.contains("não foi possível encontrar o endereço de 'nao existe'"));
        assert!(resolve("", 1).is_err());
        assert!(resolve("tab\there", 1).is_err());
    }
}
