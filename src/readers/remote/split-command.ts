// `--via "docker exec -i C"`: one string, split into words as a POSIX shell would split it —
// quotes and backslashes, nothing else. No variable, glob or command substitution is ever
// expanded: the words are passed to spawn() as they are, with no shell in between.

export function splitCommand(text: string): string[] | { error: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { error: 'an unterminated single quote' };
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        // inside double quotes a backslash escapes only $ ` " \ and newline
        if (text[j] === '\\' && j + 1 < text.length && '$`"\\\n'.includes(text[j + 1])) j++;
        word += text[j];
      }
      if (j >= text.length) return { error: 'an unterminated double quote' };
      inWord = true;
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= text.length) return { error: 'a backslash at the end' };
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  if (!words.length) return { error: 'no command' };
  return words;
}
