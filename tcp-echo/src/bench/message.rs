//! As mensagens que o bench manda: letras minúsculas, que o servidor devolve
//! em maiúsculas sem mudar o tamanho; e a explicação de uma resposta errada.

/// A mensagem número `number`: o número escrito em letras (`a` = 0, `b` = 1,
/// com o algarismo das unidades primeiro) e, depois, letras em sequência. Duas
/// mensagens seguidas nunca são iguais, nem com 1 byte: a resposta repetida ou
/// atrasada de uma não passa pela da outra.
pub(super) fn numbered(number: u64, size: usize) -> Vec<u8> {
    let mut message = pattern(0, size);
    let mut rest = number;
    for byte in message.iter_mut().take(14) {
        *byte = b'a' + (rest % 26) as u8;
        rest /= 26;
    }
    message
}

/// A explicação de uma resposta errada à mensagem `number`.
pub(super) fn unexpected(number: u64, reply: &[u8], expected: &[u8]) -> String {
    if reply.is_empty() {
        return format!("à mensagem {number}, o servidor fechou a conexão sem responder");
    }
    format!(
        "à mensagem {number} veio {}, e não {}",
        common::log::preview(reply, 40),
        common::log::preview(expected, 40)
    )
}

/// `size` letras minúsculas, começando pela letra `offset % 26`.
pub(super) fn pattern(offset: usize, size: usize) -> Vec<u8> {
    (0..size)
        .map(|i| b'a' + ((offset + i) % 26) as u8)
        .collect()
}
