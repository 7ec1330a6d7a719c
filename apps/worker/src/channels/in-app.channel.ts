import type { ChannelSender, RealtimePublisher } from "@kring/domain";

/** The `notification` socket event, through the Socket.IO Redis emitter to whichever node holds the sockets. */
export function createInAppChannel(publisher: RealtimePublisher): ChannelSender {
  return async ({ user, notification }) => {
    publisher.notify(user.id, notification);
    return "sent";
  };
}
