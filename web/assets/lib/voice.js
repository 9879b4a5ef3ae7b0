// Voice, where the browser offers it: questions read aloud with speechSynthesis, answers
// dictated with SpeechRecognition. Both are feature-detected; without them the controls hide.

/** @returns {boolean} */
export function canSpeak() {
  const w = /** @type {any} */ (window);
  return !!w.speechSynthesis && typeof w.SpeechSynthesisUtterance === 'function';
}

/**
 * @param {string} lang `en` or `ko`
 * @returns {string}
 */
function locale(lang) {
  return lang === 'ko' ? 'ko-KR' : 'en-US';
}

/**
 * Reads `text` aloud in the interview's language, stopping whatever was being read.
 * @param {string} text
 * @param {string} lang
 */
export function speak(text, lang) {
  if (!canSpeak()) return;
  try {
    const synth = window.speechSynthesis;
    synth.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = locale(lang);
    const voice = synth.getVoices().find((v) => v.lang.toLowerCase().startsWith(lang));
    if (voice) utterance.voice = voice;
    utterance.rate = 0.98;
    synth.speak(utterance);
  } catch {
    /* no voice for it: the question stays on screen */
  }
}

export function stopSpeaking() {
  try {
    if (canSpeak()) window.speechSynthesis.cancel();
  } catch {
    /* nothing was being read */
  }
}

/**
 * The browser's speech recognition constructor, if it has one.
 * @returns {(new () => any) | null}
 */
export function recognitionClass() {
  const w = /** @type {any} */ (window);
  return w.SpeechRecognition || w.webkitSpeechRecognition || null;
}

/**
 * Starts dictation; `onText` receives the text recognised so far (final and interim), `onEnd`
 * when it stops (with an error code when it failed).
 * @param {string} lang
 * @param {(finalText: string, interim: string) => void} onText
 * @param {(error: string | null) => void} onEnd
 * @returns {{ stop: () => void } | null}
 */
export function dictate(lang, onText, onEnd) {
  const Recognition = recognitionClass();
  if (!Recognition) return null;
  const recognition = new Recognition();
  recognition.lang = locale(lang);
  recognition.continuous = true;
  recognition.interimResults = true;
  /** @type {string | null} */
  let failure = null;
  recognition.onresult = (/** @type {any} */ event) => {
    let finalText = '';
    let interim = '';
    for (let i = event.resultIndex; i < event.results.length; i += 1) {
      const result = event.results[i];
      if (result.isFinal) finalText += result[0].transcript;
      else interim += result[0].transcript;
    }
    onText(finalText, interim);
  };
  recognition.onerror = (/** @type {any} */ event) => {
    failure = String(event.error || 'error');
  };
  recognition.onend = () => onEnd(failure);
  try {
    recognition.start();
  } catch {
    return null;
  }
  return { stop: () => recognition.stop() };
}
