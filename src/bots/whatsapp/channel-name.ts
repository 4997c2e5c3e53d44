/** The name WhatsApp's rows carry in `channel` columns (messages, links, conversations). */
export const CHANNEL = 'whatsapp';
