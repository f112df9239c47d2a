// A mirror of OpenIM's callback structs (open-im-server pkg/callbackstruct, openimsdk/protocol sdkws and
// wrapperspb, apistruct.GroupAddMemberInfo): names, Go types, tags and field order as OpenIM declares them, written
// independently of our TypeScript specs so that the golden tests compare the two. Reads one JSON case per line on
// stdin and answers one JSON line per case:
//   {"mode":"encode","command":C,"body":B}  -> body decoded into C's request struct, then json.Encoder output
//   {"mode":"answer","command":C,"body":B}  -> an answer decoded into C's response struct, then json.Marshal output
// {"ok":false,"error":...} when Go cannot decode the body.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strconv"
)

type StringValue struct{ Value string }

func (m *StringValue) UnmarshalJSON(p []byte) error { return json.Unmarshal(p, &m.Value) }
func (m *StringValue) MarshalJSON() ([]byte, error) { return json.Marshal(m.Value) }

type Int32Value struct{ Value int32 }

func (m *Int32Value) UnmarshalJSON(p []byte) error {
	v, err := strconv.ParseInt(string(p), 10, 32)
	if err != nil {
		return err
	}
	m.Value = int32(v)
	return nil
}
func (m *Int32Value) MarshalJSON() ([]byte, error) { return []byte(strconv.FormatInt(int64(m.Value), 10)), nil }

type GroupInfo struct {
	GroupID                string `json:"groupID"`
	GroupName              string `json:"groupName"`
	Notification           string `json:"notification"`
	Introduction           string `json:"introduction"`
	FaceURL                string `json:"faceURL"`
	OwnerUserID            string `json:"ownerUserID"`
	CreateTime             int64  `json:"createTime"`
	MemberCount            uint32 `json:"memberCount"`
	Ex                     string `json:"ex"`
	Status                 int32  `json:"status"`
	CreatorUserID          string `json:"creatorUserID"`
	GroupType              int32  `json:"groupType"`
	NeedVerification       int32  `json:"needVerification"`
	LookMemberInfo         int32  `json:"lookMemberInfo"`
	ApplyMemberFriend      int32  `json:"applyMemberFriend"`
	NotificationUpdateTime int64  `json:"notificationUpdateTime"`
	NotificationUserID     string `json:"notificationUserID"`
}

type UserInfo struct {
	UserID           string `json:"userID"`
	Nickname         string `json:"nickname"`
	FaceURL          string `json:"faceURL"`
	Ex               string `json:"ex"`
	CreateTime       int64  `json:"createTime"`
	AppMangerLevel   int32  `json:"appMangerLevel"`
	GlobalRecvMsgOpt int32  `json:"globalRecvMsgOpt"`
}

type OfflinePushInfo struct {
	Title         string `json:"title"`
	Desc          string `json:"desc"`
	Ex            string `json:"ex"`
	IOSPushSound  string `json:"iOSPushSound"`
	IOSBadgeCount bool   `json:"iOSBadgeCount"`
	SignalInfo    string `json:"signalInfo"`
}

type GroupAddMemberInfo struct {
	UserID    string `json:"userID"`
	RoleLevel int32  `json:"roleLevel"`
}

type CallbackCommand string

type CommonCallbackReq struct {
	SendID           string   `json:"sendID"`
	CallbackCommand  string   `json:"callbackCommand"`
	ServerMsgID      string   `json:"serverMsgID"`
	ClientMsgID      string   `json:"clientMsgID"`
	OperationID      string   `json:"operationID"`
	SenderPlatformID int32    `json:"senderPlatformID"`
	SenderNickname   string   `json:"senderNickname"`
	SessionType      int32    `json:"sessionType"`
	MsgFrom          int32    `json:"msgFrom"`
	ContentType      int32    `json:"contentType"`
	Status           int32    `json:"status"`
	SendTime         int64    `json:"sendTime"`
	CreateTime       int64    `json:"createTime"`
	Content          string   `json:"content"`
	Seq              uint32   `json:"seq"`
	AtUserIDList     []string `json:"atUserList"`
	SenderFaceURL    string   `json:"faceURL"`
	Ex               string   `json:"ex"`
}

type CommonCallbackResp struct {
	ActionCode int32  `json:"actionCode"`
	ErrCode    int32  `json:"errCode"`
	ErrMsg     string `json:"errMsg"`
	ErrDlt     string `json:"errDlt"`
	NextCode   int32  `json:"nextCode"`
}

type UserStatusBaseCallback struct {
	CallbackCommand string `json:"callbackCommand"`
	OperationID     string `json:"operationID"`
	PlatformID      int    `json:"platformID"`
	Platform        string `json:"platform"`
}

type UserStatusCallbackReq struct {
	UserStatusBaseCallback
	UserID string `json:"userID"`
}

type UserStatusBatchCallbackReq struct {
	UserStatusBaseCallback
	UserIDList []string `json:"userIDList"`
}

// messages

type CallbackBeforeSendSingleMsgReq struct {
	CommonCallbackReq
	RecvID string `json:"recvID"`
}
type CallbackAfterSendSingleMsgReq = CallbackBeforeSendSingleMsgReq
type CallbackBeforeSendGroupMsgReq struct {
	CommonCallbackReq
	GroupID string `json:"groupID"`
}
type CallbackAfterSendGroupMsgReq = CallbackBeforeSendGroupMsgReq
type CallbackMsgModifyCommandReq struct {
	CommonCallbackReq
}
type CallbackMsgModifyCommandResp struct {
	CommonCallbackResp
	Content          *string          `json:"content"`
	RecvID           *string          `json:"recvID"`
	GroupID          *string          `json:"groupID"`
	ClientMsgID      *string          `json:"clientMsgID"`
	ServerMsgID      *string          `json:"serverMsgID"`
	SenderPlatformID *int32           `json:"senderPlatformID"`
	SenderNickname   *string          `json:"senderNickname"`
	SenderFaceURL    *string          `json:"senderFaceURL"`
	SessionType      *int32           `json:"sessionType"`
	MsgFrom          *int32           `json:"msgFrom"`
	ContentType      *int32           `json:"contentType"`
	Status           *int32           `json:"status"`
	Options          *map[string]bool `json:"options"`
	OfflinePushInfo  *OfflinePushInfo `json:"offlinePushInfo"`
	AtUserIDList     *[]string        `json:"atUserIDList"`
	MsgDataList      *[]byte          `json:"msgDataList"`
	AttachedInfo     *string          `json:"attachedInfo"`
	Ex               *string          `json:"ex"`
}
type CallbackAfterMsgSaveDBReq struct {
	CommonCallbackReq
	RecvID  string `json:"recvID"`
	GroupID string `json:"groupID"`
}
type CallbackSingleMsgReadReq struct {
	CallbackCommand `json:"callbackCommand"`
	ConversationID  string  `json:"conversationID"`
	UserID          string  `json:"userID"`
	Seqs            []int64 `json:"Seqs"`
	ContentType     int32   `json:"contentType"`
}
type CallbackGroupMsgReadReq struct {
	CallbackCommand `json:"callbackCommand"`
	SendID          string `json:"sendID"`
	ReceiveID       string `json:"receiveID"`
	UnreadMsgNum    int64  `json:"unreadMsgNum"`
	ContentType     int64  `json:"contentType"`
}
type CallbackAfterRevokeMsgReq struct {
	CallbackCommand `json:"callbackCommand"`
	ConversationID  string `json:"conversationID"`
	Seq             int64  `json:"seq"`
	UserID          string `json:"userID"`
}

// users

type CallbackUserRegisterReq struct {
	CallbackCommand `json:"callbackCommand"`
	Users           []*UserInfo `json:"users"`
}
type CallbackBeforeUserRegisterResp struct {
	CommonCallbackResp
	Users []*UserInfo `json:"users"`
}
type CallbackBeforeUpdateUserInfoReq struct {
	CallbackCommand `json:"callbackCommand"`
	UserID          string  `json:"userID"`
	Nickname        *string `json:"nickName"`
	FaceURL         *string `json:"faceURL"`
	Ex              *string `json:"ex"`
}
type CallbackBeforeUpdateUserInfoResp struct {
	CommonCallbackResp
	Nickname *string `json:"nickName"`
	FaceURL  *string `json:"faceURL"`
	Ex       *string `json:"ex"`
}
type CallbackAfterUpdateUserInfoReq struct {
	CallbackCommand `json:"callbackCommand"`
	UserID          string `json:"userID"`
	Nickname        string `json:"nickName"`
	FaceURL         string `json:"faceURL"`
	Ex              string `json:"ex"`
}
type CallbackUpdateUserInfoExReq struct {
	CallbackCommand `json:"callbackCommand"`
	UserID          string       `json:"userID"`
	Nickname        *StringValue `json:"nickName"`
	FaceURL         *StringValue `json:"faceURL"`
	Ex              *StringValue `json:"ex"`
}
type CallbackBeforeUpdateUserInfoExResp struct {
	CommonCallbackResp
	Nickname *StringValue `json:"nickName"`
	FaceURL  *StringValue `json:"faceURL"`
	Ex       *StringValue `json:"ex"`
}

// friends

type CallbackBeforeAddFriendReq struct {
	CallbackCommand `json:"callbackCommand"`
	FromUserID      string `json:"fromUserID" `
	ToUserID        string `json:"toUserID"`
	ReqMsg          string `json:"reqMsg"`
	Ex              string `json:"ex"`
}
type CallbackAfterAddFriendReq struct {
	CallbackCommand `json:"callbackCommand"`
	FromUserID      string `json:"fromUserID" `
	ToUserID        string `json:"toUserID"`
	ReqMsg          string `json:"reqMsg"`
}
type CallbackAddFriendAgreeReq struct {
	CallbackCommand `json:"callbackCommand"`
	FromUserID      string `json:"fromUserID" `
	ToUserID        string `json:"blackUserID"`
	HandleResult    int32  `json:"HandleResult"`
	HandleMsg       string `json:"HandleMsg"`
}
type CallbackOwnerFriendReq struct {
	CallbackCommand `json:"callbackCommand"`
	OwnerUserID     string `json:"ownerUserID" `
	FriendUserID    string `json:"friendUserID"`
}
type CallbackImportFriendsReq struct {
	CallbackCommand `json:"callbackCommand"`
	OwnerUserID     string   `json:"ownerUserID" `
	FriendUserIDs   []string `json:"friendUserIDs"`
}
type CallbackBeforeImportFriendsResp struct {
	CommonCallbackResp
	FriendUserIDs []string `json:"friendUserIDs"`
}
type CallbackSetFriendRemarkReq struct {
	CallbackCommand `json:"callbackCommand"`
	OwnerUserID     string `json:"ownerUserID"`
	FriendUserID    string `json:"friendUserID"`
	Remark          string `json:"remark"`
}
type CallbackBeforeSetFriendRemarkResp struct {
	CommonCallbackResp
	Remark string `json:"remark"`
}
type CallbackBlackReq struct {
	CallbackCommand `json:"callbackCommand"`
	OwnerUserID     string `json:"ownerUserID" `
	BlackUserID     string `json:"blackUserID"`
}

// groups

type CallbackBeforeCreateGroupReq struct {
	OperationID     string `json:"operationID"`
	CallbackCommand `json:"callbackCommand"`
	*GroupInfo
	InitMemberList []*GroupAddMemberInfo `json:"initMemberList"`
}
type CallbackBeforeCreateGroupResp struct {
	CommonCallbackResp
	GroupID           *string `json:"groupID"`
	GroupName         *string `json:"groupName"`
	Notification      *string `json:"notification"`
	Introduction      *string `json:"introduction"`
	FaceURL           *string `json:"faceURL"`
	OwnerUserID       *string `json:"ownerUserID"`
	Ex                *string `json:"ex"`
	Status            *int32  `json:"status"`
	CreatorUserID     *string `json:"creatorUserID"`
	GroupType         *int32  `json:"groupType"`
	NeedVerification  *int32  `json:"needVerification"`
	LookMemberInfo    *int32  `json:"lookMemberInfo"`
	ApplyMemberFriend *int32  `json:"applyMemberFriend"`
}
type CallbackAfterCreateGroupReq struct {
	CallbackCommand `json:"callbackCommand"`
	*GroupInfo
	InitMemberList []*GroupAddMemberInfo `json:"initMemberList"`
}
type CallbackGroupMember struct {
	UserID string `json:"userID"`
	Ex     string `json:"ex"`
}
type CallbackBeforeMembersJoinGroupReq struct {
	CallbackCommand `json:"callbackCommand"`
	GroupID         string                 `json:"groupID"`
	MembersList     []*CallbackGroupMember `json:"memberList"`
	GroupEx         string                 `json:"groupEx"`
}
type MemberJoinGroupCallBack struct {
	UserID      *string `json:"userID"`
	Nickname    *string `json:"nickname"`
	FaceURL     *string `json:"faceURL"`
	RoleLevel   *int32  `json:"roleLevel"`
	MuteEndTime *int64  `json:"muteEndTime"`
	Ex          *string `json:"ex"`
}
type CallbackBeforeMembersJoinGroupResp struct {
	CommonCallbackResp
	MemberCallbackList []*MemberJoinGroupCallBack `json:"memberCallbackList"`
}
type CallbackSetGroupMemberInfoReq struct {
	CallbackCommand `json:"callbackCommand"`
	GroupID         string  `json:"groupID"`
	UserID          string  `json:"userID"`
	Nickname        *string `json:"nickName"`
	FaceURL         *string `json:"faceURL"`
	RoleLevel       *int32  `json:"roleLevel"`
	Ex              *string `json:"ex"`
}
type CallbackBeforeSetGroupMemberInfoResp struct {
	CommonCallbackResp
	Ex        *string `json:"ex"`
	Nickname  *string `json:"nickName"`
	FaceURL   *string `json:"faceURL"`
	RoleLevel *int32  `json:"roleLevel"`
}
type CallbackQuitGroupReq struct {
	CallbackCommand `json:"callbackCommand"`
	GroupID         string `json:"groupID"`
	UserID          string `json:"userID"`
}
type CallbackKillGroupMemberReq struct {
	CallbackCommand `json:"callbackCommand"`
	GroupID         string   `json:"groupID"`
	KickedUserIDs   []string `json:"kickedUserIDs"`
	Reason          string   `json:"reason"`
}
type CallbackDisMissGroupReq struct {
	CallbackCommand `json:"callbackCommand"`
	GroupID         string   `json:"groupID"`
	OwnerID         string   `json:"ownerID"`
	GroupType       string   `json:"groupType"`
	MembersID       []string `json:"membersID"`
}
type CallbackJoinGroupReq struct {
	CallbackCommand `json:"callbackCommand"`
	GroupID         string `json:"groupID"`
	GroupType       string `json:"groupType"`
	ApplyID         string `json:"applyID"`
	ReqMessage      string `json:"reqMessage"`
	Ex              string `json:"ex"`
}
type CallbackTransferGroupOwnerReq struct {
	CallbackCommand `json:"callbackCommand"`
	GroupID         string `json:"groupID"`
	OldOwnerUserID  string `json:"oldOwnerUserID"`
	NewOwnerUserID  string `json:"newOwnerUserID"`
}
type CallbackBeforeInviteUserToGroupReq struct {
	CallbackCommand `json:"callbackCommand"`
	OperationID     string   `json:"operationID"`
	GroupID         string   `json:"groupID"`
	Reason          string   `json:"reason"`
	InvitedUserIDs  []string `json:"invitedUserIDs"`
}
type CallbackBeforeInviteUserToGroupResp struct {
	CommonCallbackResp
	RefusedMembersAccount []string `json:"refusedMembersAccount,omitempty"`
}
type CallbackAfterJoinGroupReq struct {
	CallbackCommand `json:"callbackCommand"`
	OperationID     string `json:"operationID"`
	GroupID         string `json:"groupID"`
	ReqMessage      string `json:"reqMessage"`
	JoinSource      int32  `json:"joinSource"`
	InviterUserID   string `json:"inviterUserID"`
}
type CallbackBeforeSetGroupInfoReq struct {
	CallbackCommand   `json:"callbackCommand"`
	OperationID       string `json:"operationID"`
	GroupID           string `json:"groupID"`
	GroupName         string `json:"groupName"`
	Notification      string `json:"notification"`
	Introduction      string `json:"introduction"`
	FaceURL           string `json:"faceURL"`
	Ex                string `json:"ex"`
	NeedVerification  int32  `json:"needVerification"`
	LookMemberInfo    int32  `json:"lookMemberInfo"`
	ApplyMemberFriend int32  `json:"applyMemberFriend"`
}
type CallbackBeforeSetGroupInfoResp struct {
	CommonCallbackResp
	GroupID           string  ` json:"groupID"`
	GroupName         string  `json:"groupName"`
	Notification      string  `json:"notification"`
	Introduction      string  `json:"introduction"`
	FaceURL           string  `json:"faceURL"`
	Ex                *string `json:"ex"`
	NeedVerification  *int32  `json:"needVerification"`
	LookMemberInfo    *int32  `json:"lookMemberInfo"`
	ApplyMemberFriend *int32  `json:"applyMemberFriend"`
}
type CallbackAfterSetGroupInfoReq struct {
	CallbackCommand   `json:"callbackCommand"`
	OperationID       string  `json:"operationID"`
	GroupID           string  `json:"groupID"`
	GroupName         string  `json:"groupName"`
	Notification      string  `json:"notification"`
	Introduction      string  `json:"introduction"`
	FaceURL           string  `json:"faceURL"`
	Ex                *string `json:"ex"`
	NeedVerification  *int32  `json:"needVerification"`
	LookMemberInfo    *int32  `json:"lookMemberInfo"`
	ApplyMemberFriend *int32  `json:"applyMemberFriend"`
}
type CallbackSetGroupInfoExReq struct {
	CallbackCommand   `json:"callbackCommand"`
	OperationID       string       `json:"operationID"`
	GroupID           string       `json:"groupID"`
	GroupName         *StringValue `json:"groupName"`
	Notification      *StringValue `json:"notification"`
	Introduction      *StringValue `json:"introduction"`
	FaceURL           *StringValue `json:"faceURL"`
	Ex                *StringValue `json:"ex"`
	NeedVerification  *Int32Value  `json:"needVerification"`
	LookMemberInfo    *Int32Value  `json:"lookMemberInfo"`
	ApplyMemberFriend *Int32Value  `json:"applyMemberFriend"`
}
type CallbackBeforeSetGroupInfoExResp struct {
	CommonCallbackResp
	GroupID           string       `json:"groupID"`
	GroupName         *StringValue `json:"groupName"`
	Notification      *StringValue `json:"notification"`
	Introduction      *StringValue `json:"introduction"`
	FaceURL           *StringValue `json:"faceURL"`
	Ex                *StringValue `json:"ex"`
	NeedVerification  *Int32Value  `json:"needVerification"`
	LookMemberInfo    *Int32Value  `json:"lookMemberInfo"`
	ApplyMemberFriend *Int32Value  `json:"applyMemberFriend"`
}

// push

type CallbackBeforePushReq struct {
	UserStatusBatchCallbackReq
	*OfflinePushInfo
	ClientMsgID string   `json:"clientMsgID"`
	SendID      string   `json:"sendID"`
	GroupID     string   `json:"groupID"`
	ContentType int32    `json:"contentType"`
	SessionType int32    `json:"sessionType"`
	AtUserIDs   []string `json:"atUserIDList"`
	Content     string   `json:"content"`
}
type CallbackBeforePushResp struct {
	CommonCallbackResp
	UserIDs         []string         `json:"userIDList"`
	OfflinePushInfo *OfflinePushInfo `json:"offlinePushInfo"`
}
type CallbackBeforeSuperGroupOnlinePushReq struct {
	UserStatusBaseCallback
	ClientMsgID string   `json:"clientMsgID"`
	SendID      string   `json:"sendID"`
	GroupID     string   `json:"groupID"`
	ContentType int32    `json:"contentType"`
	SessionType int32    `json:"sessionType"`
	AtUserIDs   []string `json:"atUserIDList"`
	Content     string   `json:"content"`
	Seq         int64    `json:"seq"`
}

// gateway

type CallbackUserOnlineReq struct {
	UserStatusCallbackReq
	Seq             int64  `json:"seq"`
	IsAppBackground bool   `json:"isAppBackground"`
	ConnID          string `json:"connID"`
}
type CallbackUserOfflineReq struct {
	UserStatusCallbackReq
	Seq    int64  `json:"seq"`
	ConnID string `json:"connID"`
}
type CallbackUserKickOffReq struct {
	UserStatusCallbackReq
	Seq int64 `json:"seq"`
}

// conversations

type CallbackSingleChatConversationsReq struct {
	CallbackCommand  `json:"callbackCommand"`
	OwnerUserID      string `json:"ownerUserId"`
	ConversationID   string `json:"conversationId"`
	ConversationType int32  `json:"conversationType"`
	UserID           string `json:"userId"`
	RecvMsgOpt       int32  `json:"recvMsgOpt"`
	IsPinned         bool   `json:"isPinned"`
	IsPrivateChat    bool   `json:"isPrivateChat"`
	BurnDuration     int32  `json:"burnDuration"`
	GroupAtType      int32  `json:"groupAtType"`
	AttachedInfo     string `json:"attachedInfo"`
	Ex               string `json:"ex"`
}
type CallbackGroupChatConversationsReq struct {
	CallbackCommand  `json:"callbackCommand"`
	OwnerUserID      string `json:"ownerUserId"`
	ConversationID   string `json:"conversationId"`
	ConversationType int32  `json:"conversationType"`
	GroupID          string `json:"groupId"`
	RecvMsgOpt       int32  `json:"recvMsgOpt"`
	IsPinned         bool   `json:"isPinned"`
	IsPrivateChat    bool   `json:"isPrivateChat"`
	BurnDuration     int32  `json:"burnDuration"`
	GroupAtType      int32  `json:"groupAtType"`
	AttachedInfo     string `json:"attachedInfo"`
	Ex               string `json:"ex"`
}
type CallbackBeforeCreateConversationsResp struct {
	CommonCallbackResp
	RecvMsgOpt    *int32  `json:"recvMsgOpt"`
	IsPinned      *bool   `json:"isPinned"`
	IsPrivateChat *bool   `json:"isPrivateChat"`
	BurnDuration  *int32  `json:"burnDuration"`
	GroupAtType   *int32  `json:"groupAtType"`
	AttachedInfo  *string `json:"attachedInfo"`
	Ex            *string `json:"ex"`
}

type pair struct{ req, resp func() any }

func plain[T any]() func() any { return func() any { return new(T) } }

var commands = map[string]pair{
	"callbackBeforeSendSingleMsgCommand":                 {plain[CallbackBeforeSendSingleMsgReq](), plain[CommonCallbackResp]()},
	"callbackAfterSendSingleMsgCommand":                  {plain[CallbackAfterSendSingleMsgReq](), plain[CommonCallbackResp]()},
	"callbackBeforeSendGroupMsgCommand":                  {plain[CallbackBeforeSendGroupMsgReq](), plain[CommonCallbackResp]()},
	"callbackAfterSendGroupMsgCommand":                   {plain[CallbackAfterSendGroupMsgReq](), plain[CommonCallbackResp]()},
	"callbackBeforeMsgModifyCommand":                     {plain[CallbackMsgModifyCommandReq](), plain[CallbackMsgModifyCommandResp]()},
	"callbackAfterMsgSaveDBCommand":                      {plain[CallbackAfterMsgSaveDBReq](), plain[CommonCallbackResp]()},
	"callbackAfterSingleMsgReadCommand":                  {plain[CallbackSingleMsgReadReq](), plain[CommonCallbackResp]()},
	"callbackAfterGroupMsgReadCommand":                   {plain[CallbackGroupMsgReadReq](), plain[CommonCallbackResp]()},
	"callbackBeforeAfterMsgCommand":                      {plain[CallbackAfterRevokeMsgReq](), plain[CommonCallbackResp]()},
	"callbackBeforeUserRegisterCommand":                  {plain[CallbackUserRegisterReq](), plain[CallbackBeforeUserRegisterResp]()},
	"callbackAfterUserRegisterCommand":                   {plain[CallbackUserRegisterReq](), plain[CommonCallbackResp]()},
	"callbackBeforeUpdateUserInfoCommand":                {plain[CallbackBeforeUpdateUserInfoReq](), plain[CallbackBeforeUpdateUserInfoResp]()},
	"callbackAfterUpdateUserInfoCommand":                 {plain[CallbackAfterUpdateUserInfoReq](), plain[CommonCallbackResp]()},
	"callbackBeforeUpdateUserInfoExCommand":              {plain[CallbackUpdateUserInfoExReq](), plain[CallbackBeforeUpdateUserInfoExResp]()},
	"callbackAfterUpdateUserInfoExCommand":               {plain[CallbackUpdateUserInfoExReq](), plain[CommonCallbackResp]()},
	"callbackBeforeAddFriendCommand":                     {plain[CallbackBeforeAddFriendReq](), plain[CommonCallbackResp]()},
	"callbackAfterAddFriendCommand":                      {plain[CallbackAfterAddFriendReq](), plain[CommonCallbackResp]()},
	"callbackBeforeAddFriendAgreeCommand":                {plain[CallbackAddFriendAgreeReq](), plain[CommonCallbackResp]()},
	"callbackAfterAddFriendAgreeCommand":                 {plain[CallbackAddFriendAgreeReq](), plain[CommonCallbackResp]()},
	"callbackAfterDeleteFriendCommand":                   {plain[CallbackOwnerFriendReq](), plain[CommonCallbackResp]()},
	"callbackBeforeImportFriendsCommand":                 {plain[CallbackImportFriendsReq](), plain[CallbackBeforeImportFriendsResp]()},
	"callbackAfterImportFriendsCommand":                  {plain[CallbackImportFriendsReq](), plain[CommonCallbackResp]()},
	"callbackBeforeSetFriendRemarkCommand":               {plain[CallbackSetFriendRemarkReq](), plain[CallbackBeforeSetFriendRemarkResp]()},
	"callbackAfterSetFriendRemarkCommand":                {plain[CallbackSetFriendRemarkReq](), plain[CommonCallbackResp]()},
	"callbackBeforeAddBlackCommand":                      {plain[CallbackBlackReq](), plain[CommonCallbackResp]()},
	"callbackAfterRemoveBlackCommand":                    {plain[CallbackBlackReq](), plain[CommonCallbackResp]()},
	"callbackBeforeCreateGroupCommand":                   {plain[CallbackBeforeCreateGroupReq](), plain[CallbackBeforeCreateGroupResp]()},
	"callbackAfterCreateGroupCommand":                    {plain[CallbackAfterCreateGroupReq](), plain[CommonCallbackResp]()},
	"callbackBeforeMembersJoinGroupCommand":              {plain[CallbackBeforeMembersJoinGroupReq](), plain[CallbackBeforeMembersJoinGroupResp]()},
	"callbackBeforeSetGroupMemberInfoCommand":            {plain[CallbackSetGroupMemberInfoReq](), plain[CallbackBeforeSetGroupMemberInfoResp]()},
	"callbackAfterSetGroupMemberInfoCommand":             {plain[CallbackSetGroupMemberInfoReq](), plain[CommonCallbackResp]()},
	"callbackAfterQuitGroupCommand":                      {plain[CallbackQuitGroupReq](), plain[CommonCallbackResp]()},
	"callbackAfterKickGroupCommand":                      {plain[CallbackKillGroupMemberReq](), plain[CommonCallbackResp]()},
	"callbackAfterDisMissGroupCommand":                   {plain[CallbackDisMissGroupReq](), plain[CommonCallbackResp]()},
	"callbackBeforeJoinGroupCommand":                     {plain[CallbackJoinGroupReq](), plain[CommonCallbackResp]()},
	"callbackAfterJoinGroupCommand":                      {plain[CallbackAfterJoinGroupReq](), plain[CommonCallbackResp]()},
	"callbackBeforeInviteJoinGroupCommand":               {plain[CallbackBeforeInviteUserToGroupReq](), plain[CallbackBeforeInviteUserToGroupResp]()},
	"callbackAfterTransferGroupOwnerCommand":             {plain[CallbackTransferGroupOwnerReq](), plain[CommonCallbackResp]()},
	"callbackBeforeSetGroupInfoCommand":                  {plain[CallbackBeforeSetGroupInfoReq](), plain[CallbackBeforeSetGroupInfoResp]()},
	"callbackAfterSetGroupInfoCommand":                   {plain[CallbackAfterSetGroupInfoReq](), plain[CommonCallbackResp]()},
	"callbackBeforeSetGroupInfoExCommand":                {plain[CallbackSetGroupInfoExReq](), plain[CallbackBeforeSetGroupInfoExResp]()},
	"callbackAfterSetGroupInfoExCommand":                 {plain[CallbackSetGroupInfoExReq](), plain[CommonCallbackResp]()},
	"callbackBeforeOnlinePushCommand":                    {plain[CallbackBeforePushReq](), plain[CallbackBeforePushResp]()},
	"callbackBeforeOfflinePushCommand":                   {plain[CallbackBeforePushReq](), plain[CallbackBeforePushResp]()},
	"callbackBeforeGroupOnlinePushCommand":               {plain[CallbackBeforeSuperGroupOnlinePushReq](), plain[CallbackBeforePushResp]()},
	"callbackAfterUserOnlineCommand":                     {plain[CallbackUserOnlineReq](), plain[CommonCallbackResp]()},
	"callbackAfterUserOfflineCommand":                    {plain[CallbackUserOfflineReq](), plain[CommonCallbackResp]()},
	"callbackAfterUserKickOffCommand":                    {plain[CallbackUserKickOffReq](), plain[CommonCallbackResp]()},
	"callbackBeforeCreateSingleChatConversationsCommand": {plain[CallbackSingleChatConversationsReq](), plain[CallbackBeforeCreateConversationsResp]()},
	"callbackAfterCreateSingleChatConversationsCommand":  {plain[CallbackSingleChatConversationsReq](), plain[CommonCallbackResp]()},
	"callbackBeforeCreateGroupChatConversationsCommand":  {plain[CallbackGroupChatConversationsReq](), plain[CallbackBeforeCreateConversationsResp]()},
	"callbackAfterCreateGroupChatConversationsCommand":   {plain[CallbackGroupChatConversationsReq](), plain[CommonCallbackResp]()},
}

type testCase struct {
	Mode    string `json:"mode"`
	Command string `json:"command"`
	Body    string `json:"body"`
}

type result struct {
	Ok    bool   `json:"ok"`
	Out   string `json:"out,omitempty"`
	Error string `json:"error,omitempty"`
}

func run(c testCase) result {
	p, known := commands[c.Command]
	if !known {
		return result{Error: "unknown command " + c.Command}
	}
	if c.Mode == "encode" {
		v := p.req()
		if err := json.Unmarshal([]byte(c.Body), v); err != nil {
			return result{Error: err.Error()}
		}
		var out bytes.Buffer
		if err := json.NewEncoder(&out).Encode(v); err != nil {
			return result{Error: err.Error()}
		}
		return result{Ok: true, Out: out.String()}
	}
	v := p.resp()
	if err := json.Unmarshal([]byte(c.Body), v); err != nil {
		return result{Error: err.Error()}
	}
	out, err := json.Marshal(v)
	if err != nil {
		return result{Error: err.Error()}
	}
	return result{Ok: true, Out: string(out)}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var c testCase
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			panic(err)
		}
		out.Encode(run(c))
	}
}
