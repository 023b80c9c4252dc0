import type { Channel } from '../../../shared/channels'
import { emailConfirmation } from './emailConfirmation'
import { smsConfirmation } from './smsConfirmation'
import { smsRegistration } from './smsRegistration'
import type { ChannelSender } from './types'

export type {
  BatchInfo,
  ChannelAnswer,
  ChannelSender,
  CreateUserBody,
  InviteClient,
  TakenNumber,
  Verdict
} from './types'
export { uploadWorkbook } from './workbook'
export { uploadPageUrl } from './smsConfirmation'

const SENDERS: Record<Channel, ChannelSender> = {
  'sms-registration': smsRegistration,
  'sms-confirmation': smsConfirmation,
  'email-confirmation': emailConfirmation
}

export function senderFor(channel: Channel): ChannelSender {
  return SENDERS[channel]
}
